#!/usr/bin/env node
require("./run")("vamp");
