// What a phone writes without a network waits here until it can be sent (docs/offline.md).
// Loaded by the pages of commissioners and evacuation supporters (base.html) and by the service
// worker (sw.js), which send the same queue with the same code.
//
// - Each waiting record is sealed with AES-256-GCM under a key the server gives this phone once
//   (imported as non-extractable: no script can read it back out) and kept in IndexedDB with only
//   what the list shows in the clear: its kind and when it was written.
// - Each is sent with its one-time key: a retry (a lost answer, two tabs, the worker and a page at
//   once) answers the first record, never a second.
// - It is deleted the moment the server confirms it; everything is wiped when the server says the
//   phone was revoked, at sign-out (the server's Clear-Site-Data), and a record still unsent after
//   the keeping period is deleted (the list says when, beforehand).
"use strict";

const TsunaguQueue = (() => {
  const DB = "tsunagu-offline";
  const SYNC_TAG = "tsunagu-queue";
  const THIS_PHONE = "/api/v1/phones/this/";
  const PHONE_KEY = "/api/v1/phones/this/key/";
  let sending = null;

  function open() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB, 1);
      request.onupgradeneeded = () => {
        const db = request.result;
        db.createObjectStore("meta");
        db.createObjectStore("queue", { keyPath: "id" });
        db.createObjectStore("sent", { keyPath: "id" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function run(store, mode, action) {
    const db = await open();
    try {
      return await new Promise((resolve, reject) => {
        const transaction = db.transaction(store, mode);
        const request = action(transaction.objectStore(store));
        transaction.oncomplete = () => resolve(request ? request.result : undefined);
        transaction.onerror = () => reject(transaction.error);
      });
    } finally {
      db.close();
    }
  }

  const get = (store, key) => run(store, "readonly", (s) => s.get(key));
  const all = (store) => run(store, "readonly", (s) => s.getAll());
  const put = (store, value, key) => run(store, "readwrite", (s) => (key === undefined ? s.put(value) : s.put(value, key)));
  const remove = (store, key) => run(store, "readwrite", (s) => s.delete(key));

  // Every page of the site hears of a change (and of a revoked phone, with the server's words).
  function notify(message = { changed: true }) {
    if (typeof BroadcastChannel !== "undefined") {
      const channel = new BroadcastChannel(DB);
      channel.postMessage(message);
      channel.close();
    }
  }

  async function phone() {
    const response = await fetch(THIS_PHONE, { credentials: "same-origin", headers: { Accept: "application/json" } });
    const body = await response.json().catch(() => ({}));
    if (response.status === 401 && body.code === "phone_revoked") {
      await wipe();
      notify({ revoked: body.detail });
      return { revoked: true, detail: body.detail };
    }
    return response.ok ? body : null;
  }

  // The phone's key: kept as a CryptoKey object (usable, never readable); asked of the server once.
  async function key(known) {
    const kept = await get("meta", "key");
    if (kept) {
      return kept;
    }
    const here = known || (await phone());
    if (!here || !here.phone) {
      return null;
    }
    const response = await fetch(PHONE_KEY, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": here.csrf },
    });
    if (!response.ok) {
      return null;
    }
    const raw = Uint8Array.from(atob((await response.json()).key), (c) => c.charCodeAt(0));
    const imported = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
    raw.fill(0);
    await put("meta", here.keep_hours, "keep_hours");
    // Two pages may ask at once: the first key kept stays (what it sealed must open), never replaced.
    await run("meta", "readwrite", (s) => s.add(imported, "key")).catch(() => undefined);
    return get("meta", "key");
  }

  async function add(kind, url, body) {
    const sealing = await get("meta", "key");
    if (!sealing) {
      throw new Error("no key");
    }
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, sealing, new TextEncoder().encode(JSON.stringify(body)));
    const hours = (await get("meta", "keep_hours")) || 72;
    const writtenAt = Date.parse(body.written_at);
    await put("queue", { id: body.key, kind, url, written_at: body.written_at, expires_at: writtenAt + hours * 3600 * 1000, iv, data, error: "" });
    notify();
  }

  async function open_(item, sealing) {
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: item.iv }, sealing, item.data);
    return JSON.parse(new TextDecoder().decode(plain));
  }

  async function sendAll() {
    if (!sending) {
      sending = sendEach().finally(() => {
        sending = null;
        notify();
      });
    }
    return sending;
  }

  async function sendEach() {
    const now = Date.now();
    const waiting = (await all("queue")).sort((a, b) => a.written_at.localeCompare(b.written_at));
    for (const item of waiting.filter((i) => i.expires_at <= now)) {
      await remove("queue", item.id);
    }
    for (const item of (await all("sent")).filter((i) => i.expires_at <= now)) {
      await remove("sent", item.id);
    }
    const left = waiting.filter((i) => i.expires_at > now);
    if (!left.length) {
      return "empty";
    }
    let here;
    try {
      here = await phone();
    } catch (failure) {
      return "offline";
    }
    if (!here || here.revoked) {
      return here ? "revoked" : "refused";
    }
    const sealing = await get("meta", "key");
    if (!sealing) {
      return "no-key";
    }
    for (const item of left) {
      let response;
      try {
        response = await fetch(item.url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": here.csrf },
          body: JSON.stringify(await open_(item, sealing)),
        });
      } catch (failure) {
        return "offline";
      }
      const answer = await response.json().catch(() => ({}));
      if (response.ok) {
        await remove("queue", item.id);
        await put("sent", { id: item.id, kind: item.kind, written_at: item.written_at, sent_at: new Date().toISOString(), expires_at: item.expires_at });
      } else if (response.status === 401 && answer.code === "phone_revoked") {
        await wipe();
        notify({ revoked: answer.detail });
        return "revoked";
      } else if (response.status === 400 || response.status === 422) {
        // Refused as written: kept, with the server's words, for the user to see (never lost).
        const messages = Object.values(answer.errors || {}).flat();
        item.error = messages.join(" ") || answer.detail || "";
        await put("queue", item);
      } else {
        return "refused"; // signed out, or the second factor: tried again later
      }
    }
    return "sent";
  }

  async function wipe() {
    await new Promise((resolve) => {
      const request = indexedDB.deleteDatabase(DB);
      request.onsuccess = request.onerror = request.onblocked = () => resolve();
    });
    if (typeof caches !== "undefined") {
      await Promise.all((await caches.keys()).map((name) => caches.delete(name)));
    }
    notify();
  }

  return { DB, SYNC_TAG, phone, key, add, all, sendAll, wipe };
})();

if (typeof document !== "undefined") {
  (() => {
    const body = document.body;
    if (!body || !body.dataset.offline) {
      return;
    }
    const text = body.dataset;
    const hhmm = (iso) => new Date(iso).toLocaleString("ja-JP", { month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit" });

    // Online or not, always visible.
    const banner = document.querySelector("[data-network]");
    function showNetwork() {
      if (banner) {
        banner.hidden = navigator.onLine;
      }
    }
    window.addEventListener("online", showNetwork);
    window.addEventListener("offline", showNetwork);
    showNetwork();

    // The list of what waits and what was sent (kind and times only: nothing of anyone).
    async function showQueue() {
      const panel = document.querySelector("[data-queue]");
      if (!panel) {
        return;
      }
      const [waiting, sent] = await Promise.all([TsunaguQueue.all("queue").catch(() => []), TsunaguQueue.all("sent").catch(() => [])]);
      const kindLabel = (kind) => (kind === "check" ? text.kindCheck : text.kindConcern);
      const rows = [];
      for (const item of waiting) {
        rows.push(
          `<li class="queued" data-queued="${item.id}">${kindLabel(item.kind)}: ${text.written} ${hhmm(item.written_at)} — ` +
            `${text.waiting}${item.error ? ` <span class="error">${item.error.replace(/[<>&]/g, "")}</span>` : ""}` +
            ` <span class="help">${text.wipedAt} ${hhmm(new Date(item.expires_at).toISOString())}</span></li>`,
        );
      }
      for (const item of sent.sort((a, b) => b.sent_at.localeCompare(a.sent_at))) {
        rows.push(`<li class="sent" data-sent="${item.id}">${kindLabel(item.kind)}: ${text.written} ${hhmm(item.written_at)} — ${text.sentAt} ${hhmm(item.sent_at)}</li>`);
      }
      panel.hidden = rows.length === 0;
      panel.querySelector("ul").innerHTML = rows.join("");
      panel.querySelector("[data-queue-count]").textContent = String(waiting.length);
    }

    function showRevoked(detail) {
      const notice = document.querySelector("[data-phone-notice]");
      if (notice) {
        notice.textContent = detail || "";
        notice.hidden = false;
      }
      document.querySelectorAll("form[data-offline-kind]").forEach((form) => {
        form.dataset.queued = "";
      });
    }

    if (typeof BroadcastChannel !== "undefined") {
      new BroadcastChannel(TsunaguQueue.DB).onmessage = (event) => {
        if (event.data && event.data.revoked !== undefined) {
          showRevoked(event.data.revoked);
        }
        showQueue();
      };
    }

    let ready = false;
    async function start() {
      if ("serviceWorker" in navigator && text.sw) {
        navigator.serviceWorker.register(text.sw, { scope: "/" }).catch(() => undefined);
      }
      if (navigator.onLine) {
        try {
          const here = await TsunaguQueue.phone();
          if (here && here.revoked) {
            showRevoked(here.detail);
          } else if (here && here.phone) {
            ready = Boolean(await TsunaguQueue.key(here));
            if (navigator.serviceWorker && navigator.serviceWorker.controller) {
              navigator.serviceWorker.controller.postMessage("keep-shell");
            }
          }
        } catch (failure) {
          // the network went between the two: what is kept is used below
        }
      }
      if (!ready) {
        ready = Boolean(await TsunaguQueue.key({ phone: null }).catch(() => null)); // the kept key, offline
      }
      document.querySelectorAll("form[data-offline-kind]").forEach((form) => {
        form.dataset.queued = ready ? "1" : "";
      });
      await showQueue();
      if (navigator.onLine) {
        await TsunaguQueue.sendAll();
      }
    }

    window.addEventListener("online", () => TsunaguQueue.sendAll());

    function bodyOf(form) {
      const data = new FormData(form);
      const writtenAt = new Date().toISOString();
      if (form.dataset.offlineKind === "check") {
        return {
          declaration: Number(data.get("declaration")),
          registration: data.get("registration"),
          status: data.get("status") || "",
          note: data.get("note") || "",
          key: data.get("key") || crypto.randomUUID().replaceAll("-", ""),
          written_at: writtenAt,
        };
      }
      return {
        area: Number(data.get("area")) || null,
        signals: data.getAll("signals"),
        categories: data.getAll("categories"),
        urgency: data.get("urgency") || "routine",
        details: data.get("details") || "",
        name: data.get("name") || "",
        address: data.get("address") || "",
        reporter_kind: data.get("reporter_kind") || undefined,
        key: crypto.randomUUID().replaceAll("-", ""),
        written_at: writtenAt,
      };
    }

    // A form the queue takes: kept sealed on the phone first, then sent if the network allows.
    document.addEventListener(
      "submit",
      async (event) => {
        const form = event.target;
        if (!(form instanceof HTMLFormElement) || !form.dataset.offlineKind || !form.dataset.queued) {
          return;
        }
        event.preventDefault();
        event.stopImmediatePropagation();
        const done = form.querySelector("[data-queued-notice]");
        if (done) {
          done.hidden = true; // shown again once this one is kept
        }
        const body = bodyOf(form);
        await TsunaguQueue.add(form.dataset.offlineKind, form.dataset.api, body);
        form.reset();
        const key = form.querySelector("input[name='key']");
        if (key) {
          key.value = crypto.randomUUID().replaceAll("-", "");
        }
        if (done) {
          done.hidden = false;
        }
        await showQueue();
        try {
          const registration = await navigator.serviceWorker?.ready;
          await registration?.sync?.register(TsunaguQueue.SYNC_TAG);
        } catch (failure) {
          // no Background Sync here: the next page load or the "online" event sends it
        }
        if (navigator.onLine) {
          await TsunaguQueue.sendAll();
        }
      },
      true, // before tsunagu.js's own handler of the safety check
    );

    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", start);
    } else {
      start();
    }
  })();
}
