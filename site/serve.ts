/**
 * `npm run site:serve`: serves site/dist/ (built by `npm run site`) on http://127.0.0.1:8017/ (PORT to change),
 * static files only, no server logic. The browser test and the screenshot serve their folders with serveSite.
 */
import http from "node:http";
import fs from "node:fs";
import path from "node:path";

const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".json": "application/json", ".wasm": "application/wasm", ".bin": "application/octet-stream", ".png": "image/png" };

/** Serves folder `root` on 127.0.0.1:`port` (0 = any free port); resolves to the server once listening. */
export function serveSite(root: string, port = 0): Promise<http.Server> {
  root = path.resolve(root);
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
  return new Promise<http.Server>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

/** The port of a listening server. */
export function portOf(server: http.Server): number {
  return (server.address() as { port: number }).port;
}

if (require.main === module) {
  const root = path.join(__dirname, "dist");
  if (!fs.existsSync(path.join(root, "index.html"))) {
    console.error(`site:serve: ${root} has no site yet: run \`npm run site\` first`);
    process.exit(1);
  }
  serveSite(root, Number(process.env.PORT ?? 8017)).then(
    (server) => console.error(`the explorer: http://127.0.0.1:${portOf(server)}/ (Ctrl-C to stop)`),
    (e) => {
      console.error(`site:serve: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
