// `npm run site:serve`: serves site/dist/ (built by `npm run site`) on http://127.0.0.1:8017/ (PORT to change),
// static files only. Also used by the browser test, which imports serveSite.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".json": "application/json", ".wasm": "application/wasm", ".bin": "application/octet-stream", ".png": "image/png" };

/** Serves `root` on 127.0.0.1:`port` (0 = any free port); resolves to the server once listening. */
export function serveSite(root, port = 0) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const rel = decodeURIComponent(url.pathname).replace(/\/$/, "/index.html");
    const file = path.join(root, path.normalize(rel).replace(/^(\.\.[/\\])+/, ""));
    if (!file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { "content-type": "text/plain" }).end(`not found: ${url.pathname}`);
      return;
    }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "dist");
  if (!fs.existsSync(path.join(root, "index.html"))) {
    console.error(`site:serve: ${root} has no site yet: run \`npm run site\` first`);
    process.exit(1);
  }
  const server = await serveSite(root, Number(process.env.PORT ?? 8017));
  console.error(`the explorer: http://127.0.0.1:${server.address().port}/ (Ctrl-C to stop)`);
}
