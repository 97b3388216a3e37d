#!/usr/bin/env node
require("./run")("vamp-workflow-agent");
