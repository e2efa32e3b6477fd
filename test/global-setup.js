// Tests that start the real server (crash safety, graceful shutdown) run the built dist/: build it once, if needed.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async () => {
  execFileSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'build-if-needed.js')], {
    stdio: 'inherit',
  });
};
