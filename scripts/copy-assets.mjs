// After `tsc -p tsconfig.build.json`: copies the files the code reads at run time next to the
// compiled modules (they find them through import.meta.url), then stamps the build so
// bin/segment.js can tell whether dist/ is at least as new as the sources.
import { cpSync, writeFileSync } from "node:fs";
import { runtimeAssets } from "./assets.mjs";

for (const file of runtimeAssets(".")) cpSync(file, `dist/${file}`);
writeFileSync("dist/.build-stamp", `${new Date().toISOString()}\n`);
