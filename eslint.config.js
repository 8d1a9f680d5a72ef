// ESLint: the recommended rules of JavaScript, typescript-eslint and eslint-plugin-svelte.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

export default ts.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.build/**', '**/.turbo/**', 'drizzle/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      // `_`-prefixed names mark a parameter or binding kept for its position.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } },
    rules: {
      // Exception: the Map/Set/Date/URLSearchParams it flags are working values, not state: a
      // dedupe set inside a $derived, a cache the live hub mutates and then publishes through a
      // $state version counter, a Date computed once per render. Made reactive they would re-run
      // effects on every internal write; the reactive state in this app is $state/$derived.
      'svelte/prefer-svelte-reactivity': 'off',
    },
  },
);
