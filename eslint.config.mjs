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
  // The layers (DESIGN §2): rules and records know nothing of HTTP or of the database engine; routes never reach SQL.
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
            { name: 'better-sqlite3', message: 'SQL lives in the engine adapters (*.sqlite.ts).' },
            { name: 'pg', message: 'SQL lives in the engine adapters (*.postgres.ts).' },
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
              group: ['**/*.routes', '**/*.sqlite', '**/*.postgres'],
              message: 'Services never import routes or engine adapters.',
            },
          ],
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
              group: ['**/*.sqlite', '**/*.postgres', '**/db/sqlite/**', '**/db/postgres/**'],
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
