// Stops the PostgreSQL cluster test/global-setup.js started.
module.exports = async () => {
  globalThis.__packwayCluster?.stop();
};
