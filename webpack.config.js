// Builds the add-in: the task pane, the ribbon commands page and the two sign-in dialog pages,
// plus manifest.xml (URLs rewritten to $ADDIN_ORIGIN in production), the icons and config.json
// (the runtime settings the pages read: backend URL, sign-in kind, Cognito app client).
//
//   npm run build        production build into dist/ (ADDIN_ORIGIN=https://addin.example.com)
//   npm run dev-server   https://localhost:3000 with office-addin-dev-certs, /v1 proxied to the backend
'use strict';
const path = require('node:path');
const HtmlWebpackPlugin = require('html-webpack-plugin');
const CopyWebpackPlugin = require('copy-webpack-plugin');

const DEV_ORIGIN = 'https://localhost:3000';

/** The settings the pages read at run time from config.json (see docs/addin.md). */
function runtimeConfig(env) {
  const cognito = env.COGNITO_DOMAIN && env.COGNITO_CLIENT_ID;
  return {
    // Empty: same origin (the dev server proxies /v1 to the backend).
    apiUrl: env.SHEETSCALE_API_URL_FOR_ADDIN ?? '',
    auth: cognito
      ? { kind: 'cognito', cognito: { domain: env.COGNITO_DOMAIN, clientId: env.COGNITO_CLIENT_ID } }
      : { kind: 'local' },
    cognitoDomain: env.COGNITO_DOMAIN ?? '',
  };
}

/** The manifest served: URLs on the add-in's origin, the Cognito domain trusted for the sign-in dialog. */
function manifestFor(xml, origin, cognitoDomain) {
  let out = xml.split(DEV_ORIGIN).join(origin);
  if (cognitoDomain) {
    out = out.replace('</AppDomains>', `  <AppDomain>${cognitoDomain.replace(/\/+$/, '')}</AppDomain>\n  </AppDomains>`);
  }
  return out;
}

function page(name, chunks, title, extra = {}) {
  return new HtmlWebpackPlugin({
    filename: `${name}.html`,
    template: path.join(__dirname, 'src', 'taskpane', 'page.html'),
    chunks,
    title,
    ...extra,
  });
}

/**
 * The localhost certificates of office-addin-dev-certs (~/.office-addin-dev-certs), generated
 * offline on first use. Trusting their CA (`npx office-addin-dev-certs install`) needs root/sudo
 * and is only needed to sideload into a real Excel; the server itself runs without it.
 */
async function devCertificates() {
  const fs = require('node:fs');
  const defaults = require('office-addin-dev-certs/lib/defaults');
  if (!fs.existsSync(defaults.localhostCertificatePath) || !fs.existsSync(defaults.localhostKeyPath)) {
    await require('office-addin-dev-certs/lib/generate').generateCertificates();
  }
  return {
    ca: fs.readFileSync(defaults.caCertificatePath),
    cert: fs.readFileSync(defaults.localhostCertificatePath),
    key: fs.readFileSync(defaults.localhostKeyPath),
  };
}

module.exports = async (_env, argv) => {
  const production = argv.mode === 'production';
  const origin = (process.env.ADDIN_ORIGIN ?? DEV_ORIGIN).replace(/\/+$/, '');
  if (production && !/^https:\/\/[^/]+$/.test(origin)) {
    throw new Error(`ADDIN_ORIGIN must be an https origin like https://addin.example.com (got "${origin}")`);
  }
  const config = {
    devtool: production ? 'source-map' : 'eval-source-map',
    entry: {
      taskpane: './src/taskpane/index.tsx',
      commands: './src/commands/commands.ts',
      signin: './src/office/sign-in-pages.ts',
    },
    output: { path: path.join(__dirname, 'dist'), filename: '[name].[contenthash:8].js', clean: true },
    resolve: { extensions: ['.ts', '.tsx', '.js', '.json'] },
    module: {
      rules: [
        {
          test: /\.tsx?$/,
          exclude: /node_modules/,
          // transpileOnly: type-checking is tsc's job in `npm test`; this keeps builds fast.
          use: { loader: 'ts-loader', options: { transpileOnly: true, compilerOptions: { noEmit: false, module: 'esnext', sourceMap: true } } },
        },
      ],
    },
    performance: { hints: false },
    plugins: [
      page('taskpane', ['taskpane'], 'sheetscale'),
      page('commands', ['commands'], 'sheetscale commands'),
      page('auth-start', ['signin'], 'Signing in…', { page: 'auth-start' }),
      page('auth-callback', ['signin'], 'Signing in…', { page: 'auth-callback' }),
      page('help', [], 'sheetscale help', { page: 'help' }),
      new CopyWebpackPlugin({
        patterns: [
          { from: 'assets/icon-*.png', to: 'assets/[name][ext]' },
          {
            from: 'manifest.xml',
            to: 'manifest.xml',
            transform: (content) => manifestFor(content.toString(), production ? origin : DEV_ORIGIN, process.env.COGNITO_DOMAIN),
          },
          {
            from: 'manifest.xml',
            to: 'config.json',
            transform: () => JSON.stringify(runtimeConfig(process.env), null, 2),
          },
        ],
      }),
    ],
  };
  if (!production) {
    const options = await devCertificates();
    config.devServer = {
      port: 3000,
      server: { type: 'https', options },
      headers: { 'Access-Control-Allow-Origin': '*' },
      static: { directory: path.join(__dirname, 'dist') },
      proxy: [{ context: ['/v1', '/health', '/ready'], target: process.env.SHEETSCALE_API_URL ?? 'http://127.0.0.1:8080', changeOrigin: true }],
    };
  }
  return config;
};
