import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-results/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  // Prettier wraps code at 110 but leaves long strings whole: a line of source is still readable whole at 140.
  { files: ['src/**/*.ts'], rules: { 'max-len': ['error', { code: 140, ignoreUrls: true }] } },
  // Every database call is async: a promise nobody awaits is a write that may land after the answer, or never.
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'e2e/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
    },
  },
  // The layers (README § The code): rules and records know nothing of HTTP or of the database engine; routes never reach SQL.
  {
    files: [
      'src/**/*.service.ts',
      'src/**/*.repo.ts',
      'src/content/**/*.ts',
      'src/shared/**/*.ts',
      'src/jobs/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'express',
              message:
                'Services, records and the compiler know nothing of HTTP: take typed input and an Actor.',
            },
            { name: 'multer', message: 'Uploads are parsed in src/web; pass the file in.' },
            {
              name: 'better-sqlite3',
              message: 'SQL lives in the repository adapters (*.sql.ts) over src/db/ports.ts.',
            },
            { name: 'pg', message: 'SQL lives in the repository adapters (*.sql.ts) over src/db/ports.ts.' },
            {
              name: 'openid-client',
              message: 'The identity provider is reached through its adapter (src/auth/oidc.client.ts).',
            },
          ],
          patterns: [
            {
              group: ['**/web/**', '**/web'],
              message: 'Services and records know nothing of HTTP (src/web).',
            },
            {
              group: ['**/db/sqlite/**', '**/db/postgres/**'],
              message: 'Use the unit-of-work port (src/db/ports.ts), not an engine.',
            },
            {
              group: ['**/*.routes', '**/*.sql'],
              message: 'Services never import routes or repository adapters.',
            },
          ],
        },
      ],
    },
  },
  // Rules that depend on the time (the undo window, overdue, expiry, retention) read the injected Clock, so tests can
  // move it; a real-time read here would make them untestable and disagree with the clock everything else reads.
  {
    files: ['src/**/*.service.ts', 'src/**/*.schema.ts', 'src/jobs/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message:
            'Read the time from the injected Clock (src/shared/clock.ts: clock.now(), isoOf, todayOf).',
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message:
            'Read the time from the injected Clock (src/shared/clock.ts): new Date(clock.now()), isoOf(clock).',
        },
      ],
    },
  },
  {
    files: ['src/**/*.routes.ts', 'src/web/**/*.ts', 'src/pages/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'better-sqlite3', message: 'Routes call services; SQL lives in the engine adapters.' },
            { name: 'pg', message: 'Routes call services; SQL lives in the engine adapters.' },
          ],
          patterns: [
            {
              group: ['**/*.sql', '**/db/sqlite/**', '**/db/postgres/**', '**/db/open'],
              message: 'Routes call services, never an adapter.',
            },
            {
              group: ['**/*.repo'],
              message: 'Routes call services, never a repository.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  // Repository adapters write SQL for both engines over the port; only src/db knows a driver.
  {
    files: ['src/**/*.sql.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'better-sqlite3',
              message: 'Use the Sql port (src/db/ports.ts): one adapter serves both engines.',
            },
            { name: 'pg', message: 'Use the Sql port (src/db/ports.ts): one adapter serves both engines.' },
          ],
          patterns: [
            {
              group: ['**/db/sqlite/**', '**/db/postgres/**'],
              message: 'Use the Sql port (src/db/ports.ts).',
            },
            {
              group: ['**/*.service', '**/*.routes', '**/web/**'],
              message: 'Adapters know nothing of rules or HTTP.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        document: 'readonly',
        window: 'readonly',
        fetch: 'readonly',
        URLSearchParams: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        FormData: 'readonly',
        HTMLElement: 'readonly',
        location: 'readonly',
        history: 'readonly',
        navigator: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
