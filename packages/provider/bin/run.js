// The bins are committed, so npm links them at install time, before dist/ is built; each
// runs its command from dist/, or says how to build it.
module.exports = function run(name) {
  const target = `../dist/cli/${name}.js`;
  try {
    require.resolve(target);
  } catch {
    console.error(`${name}: not built yet; run \`npm run build\` in the repository first`);
    process.exit(2);
  }
  require(target);
};
