// Tsunagu's service worker (served at /sw.js by config/offline.py, which puts CONFIG above this).
// It keeps the concern form's shell — rendered by the server with no name of anyone — and the
// static files, so the form opens without a network. It keeps no other page: nothing that holds
// personal data is ever cached (docs/offline.md). Every other request goes to the network as if
// there were no worker. What waits to be sent is sent by the same code as the pages' (offline.js).
"use strict";

const CACHE = "tsunagu-shell-v1";
importScripts(CONFIG.script);

async function keepShell() {
  const cache = await caches.open(CACHE);
  await cache.addAll(CONFIG.assets);
  const shell = await fetch(CONFIG.shell, {
    credentials: "same-origin",
    headers: { [CONFIG.shellHeader]: "1" },
    redirect: "manual",
  });
  if (shell.ok) {
    await cache.put(CONFIG.shell, shell);
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(keepShell().catch(() => undefined).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

// A page of a kept phone asks for the shell to be kept fresh (the form's choices change rarely):
// fetched again once a day at most.
const SHELL_AGE = 24 * 60 * 60 * 1000;
self.addEventListener("message", (event) => {
  if (event.data !== "keep-shell") {
    return;
  }
  event.waitUntil(
    caches
      .match(CONFIG.shell)
      .then((kept) => {
        const at = kept ? Date.parse(kept.headers.get("Date") || "") : NaN;
        return Number.isNaN(at) || Date.now() - at > SHELL_AGE ? keepShell() : undefined;
      })
      .catch(() => undefined),
  );
});

function offlinePage() {
  const html =
    `<!DOCTYPE html><html lang="ja"><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<link rel="stylesheet" href="${CONFIG.assets[0]}"><title>${CONFIG.offlineTitle}</title>` +
    `<main><h1>${CONFIG.offlineTitle}</h1><p>${CONFIG.offlineText}</p>` +
    `<p><a class="button primary" href="${CONFIG.shell}">${CONFIG.offlineLink}</a></p></main></html>`;
  return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (CONFIG.assets.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((kept) => kept || fetch(request)));
    return;
  }
  if (request.mode !== "navigate") {
    return;
  }
  // A page: from the network; without one, the shell for the concern form, a notice for the rest.
  event.respondWith(
    fetch(request).catch(async () => {
      if (url.pathname === CONFIG.shell) {
        const kept = await caches.match(CONFIG.shell);
        if (kept) {
          return kept;
        }
      }
      return offlinePage();
    }),
  );
});

// Background Sync, where the browser has it: the queue is sent when the network returns, even
// with no page open.
self.addEventListener("sync", (event) => {
  if (event.tag === TsunaguQueue.SYNC_TAG) {
    event.waitUntil(TsunaguQueue.sendAll());
  }
});
