// openid-client and its two dependencies ship only ES modules: Node loads them with require(), jest's module system
// does not, so they are compiled to CommonJS for the tests. pptxgenjs is CommonJS but loads node:fs and node:https
// with import() on every export, which jest's module system refuses (an unhandled rejection that fails the test);
// compiled, import() becomes require(). The Digital Bazaar Verifiable Credential libraries (and two of their
// dependencies) ship only ES modules too. Shared by jest.config.js and jest.e2e.config.js.
const ESM_ONLY = [
  'openid-client',
  'oauth4webapi',
  'jose',
  'pptxgenjs',
  '@digitalbazaar/vc',
  '@digitalbazaar/data-integrity',
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite',
  '@digitalbazaar/ed25519-multikey',
  'base58-universal',
  'base64url-universal',
];

module.exports = {
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
    [`/node_modules/(${ESM_ONLY.join('|')})/.+\\.js$`]: ['ts-jest', { tsconfig: 'tsconfig.esm-deps.json' }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
};
