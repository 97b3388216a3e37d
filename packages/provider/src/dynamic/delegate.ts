import type * as pulumi from "@pulumi/pulumi";

/** The name every dynamic provider `require`s its handlers by at run time. */
export const PACKAGE_NAME = "@vamp-pulumi/provider";

/**
 * A dynamic provider whose methods load their implementation by module path at run time.
 *
 * Why: the engine serializes a dynamic provider with its closure. Capturing the real
 * implementation would drag clients, sockets and half the library into the state file and
 * break on anything the serializer cannot copy. A `require` by package path inside each method
 * keeps the serialized text to a few lines and runs the installed library's code, so a bug fix
 * in the library reaches resources created by an older version.
 *
 * @param modulePath a path under the package, e.g. `dist/dynamic/store-entry/handlers`
 * @param packageName the installed package holding it (default this one)
 */
export function delegatingProvider(modulePath: string, packageName: string = PACKAGE_NAME): pulumi.dynamic.ResourceProvider {
  const target = `${packageName}/${modulePath}`;
  return {
    async check(olds, news) {
      return require(target).check(olds, news);
    },
    async diff(id, olds, news) {
      return require(target).diff(id, olds, news);
    },
    async create(inputs) {
      return require(target).create(inputs);
    },
    async read(id, props) {
      return require(target).read(id, props);
    },
    async update(id, olds, news) {
      return require(target).update(id, olds, news);
    },
    async delete(id, props) {
      return require(target).delete(id, props);
    },
  };
}
