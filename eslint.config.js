// Type-aware lint. Layering is enforced here: the domain imports nothing of ours outside itself,
// connectors import only the domain (and their own client), and api/workers never import each other.
import tseslint from 'typescript-eslint';

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

// Dashboards: text is set as text (no HTML sinks), contracts come in as types only (zod stays on
// the server), and a page never reaches into another page: what two pages share goes to shared/.
const noHtmlSinks = {
  'no-restricted-properties': [
    'error',
    { property: 'innerHTML', message: 'Set text (JSX children, textContent), never markup.' },
    { property: 'outerHTML', message: 'Set text (JSX children, textContent), never markup.' },
    { property: 'insertAdjacentHTML', message: 'Set text (JSX children, textContent), never markup.' },
  ],
  'no-restricted-syntax': [
    'error',
    { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Set text, never markup.' },
    { selector: "CallExpression[callee.property.name='write'][callee.object.name='document']", message: 'Set text, never markup.' },
  ],
};
const dashboardImports = [
  { group: ['**/src/contracts/*'], allowTypeImports: true, message: 'Dashboards import contracts with `import type` only.' },
  { group: ['**/src/*', '!**/src/domain', '!**/src/contracts', '**/src/!(domain|contracts)/**'], message: 'Dashboards import only src/domain and src/contracts.' },
  { group: ['zod', 'zod/*'], message: 'zod stays on the server: import the contract types.' },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dashboards/dist/**', '.cache/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js'] }, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: restrict([{ group: ['../*', '!../domain', '@elastic/*', 'ioredis', 'bullmq', 'fastify', 'socket.io'], message: 'src/domain is pure: it imports only itself.' }]),
  },
  {
    files: ['connectors/**/*.ts'],
    rules: restrict([{ group: ['**/src/*', '!**/src/domain', '**/src/!(domain)/**', '**/workers/**', 'ioredis', 'bullmq', '@elastic/*'], message: 'A connector imports only the domain and its own client.' }]),
  },
  {
    files: ['src/api/**/*.ts'],
    rules: restrict([{ group: ['**/workers/**'], message: 'api and workers never import each other.' }]),
  },
  {
    files: ['workers/**/*.ts'],
    rules: restrict([{ group: ['**/src/api/**'], message: 'api and workers never import each other.' }]),
  },
  {
    files: ['src/repositories/**/*.ts', 'src/adapters/**/*.ts'],
    rules: restrict([{ group: ['**/services/**', '**/api/**', '**/pipeline/**'], message: 'Repositories decide nothing: they do not call services.' }]),
  },
  {
    files: ['dashboards/**/*.ts', 'dashboards/**/*.tsx'],
    rules: { ...noHtmlSinks, '@typescript-eslint/no-restricted-imports': ['error', { patterns: dashboardImports }] },
  },
);
