// The order of the suites (jest.config.js): Jest's own (failed first, then the longest), except
// that the suites needing the Pulumi Kubernetes provider plugin run last, so that a cold `npm test`
// builds the plugin beside all the others (scripts/test.sh) instead of before them.
const Sequencer = require("@jest/test-sequencer").default;

const NEED_THE_PLUGIN = [/test\/e2e\/components\/engine\.test\.ts$/, /test\/e2e\/release\/deployment\.test\.ts$/];
const last = (t) => NEED_THE_PLUGIN.some((re) => re.test(t.path));

class PluginLastSequencer extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    return [...sorted.filter((t) => !last(t)), ...sorted.filter(last)];
  }
}

module.exports = PluginLastSequencer;
