//! `npm run playground`: builds the playground when its files are missing or older than
//! web/ and src/, then serves dist/web/ on localhost (node:http, no framework) and prints
//! its address. Port: --port N, else $PORT, else 5177; a busy port falls back to a free one.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWeb, WEB_DIST } from './build_web.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.wasm': 'application/wasm', '.png': 'image/png' };

function newestMtime(dir) {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) newest = Math.max(newest, fs.statSync(path.join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

function needsBuild() {
  const built = path.join(WEB_DIST, 'main.js');
  if (!fs.existsSync(built)) return true;
  const at = fs.statSync(built).mtimeMs;
  return newestMtime(path.join(root, 'web')) > at || newestMtime(path.join(root, 'src')) > at;
}

export function serve(dir, port) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const file = path.join(dir, path.normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '') || 'index.html');
    if (!file.startsWith(dir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e) => {
      if (e.code === 'EADDRINUSE' && port !== 0) resolve(serve(dir, 0));
      else reject(e);
    });
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const flag = process.argv.indexOf('--port');
  const port = Number(flag >= 0 ? process.argv[flag + 1] : process.env.PORT ?? 5177);
  if (needsBuild()) await buildWeb();
  const server = await serve(WEB_DIST, port);
  console.log(`zirc playground: http://127.0.0.1:${server.address().port}/`);
}
