/**
 * A store client must not stay broken after its server was away: opened while the server is
 * down, it fails with an error (never hangs) and works once the server is back, without being
 * re-created by its user (the agent and the dynamic providers keep one client for their life).
 */
import { startServices, stopServices } from "../../../testbed/services";
import { e2eStores, openTestStore, requireServices, STORE_SERVICE } from "../../support/testbed";
import { until } from "../agent/harness";

jest.setTimeout(120_000);

describe.each(e2eStores())("a %s client opened while its server is down", (kind) => {
  const service = STORE_SERVICE[kind];
  beforeAll(() => requireServices(service));

  it("fails with an error, then works once the server is back", async () => {
    const key = `/vamp-outage/${kind}/${Date.now().toString(36)}`;
    await stopServices([service]);
    const store = openTestStore(kind);
    try {
      await expect(store.get(key)).rejects.toThrow(/./);
      await startServices([service]);
      // Liveness bound only: how soon is not asserted.
      await until(
        () =>
          store.put(key, "back").then(
            () => true,
            () => false,
          ),
        60_000,
        `${kind} client works after its server came back`,
      );
      expect((await store.get(key))?.value).toBe("back");
      await store.delete(key);
    } finally {
      await startServices([service]);
      await store.close();
    }
  });
});
