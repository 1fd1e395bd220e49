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
  // Once signing out has begun, nothing is kept any more: a page's start-up still running (a key
  // fetched, a record sent) would otherwise write again after the wipe.
  let ended = false;
  // The server's words for a phone whose kept sign-in is over (phones.middleware).
  const ENDED = ["phone_revoked", "phone_ended"];
  // Refusals of the session, not of a record: the second factor (and a stale CSRF token, below).
  const SESSION_REFUSALS = ["second_factor_required"];
  // Concerns sent just now that were taken as urgent: the page shows what to do next.
  const urgent = [];

  function open() {
    return new Promise((resolve, reject) => {
      if (ended) {
        reject(new Error("signed out"));
        return;
      }
      const request = indexedDB.open(DB, 1);
      request.onupgradeneeded = () => {
        const db = request.result;
        db.createObjectStore("meta");
        db.createObjectStore("queue", { keyPath: "id" });
        db.createObjectStore("sent", { keyPath: "id" });
      };
      request.onsuccess = () => {
        // A wipe elsewhere (another tab, the worker) must never wait on this connection.
        request.result.onversionchange = () => request.result.close();
        resolve(request.result);
      };
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
    if (response.status === 401 && ENDED.includes(body.code)) {
      await wipe();
      notify({ revoked: body.detail });
      return { revoked: true, detail: body.detail };
    }
    return response.ok ? body : null;
  }

  // The phone's key: kept as a CryptoKey object (usable, never readable); asked of the server once,
  // and kept for the user it was given to: another user signed in on this browser never seals
  // with it nor sends what it sealed (it is wiped first).
  async function key(known) {
    const kept = await get("meta", "key");
    const owner = await get("meta", "user");
    if (kept && (!known || !known.user || known.user === owner)) {
      return kept;
    }
    if (kept) {
      await wipe();
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
    // Two pages may ask at once: the first key kept stays (what it sealed must open), never replaced;
    // its user is written in the same transaction (a refused add writes neither).
    await run("meta", "readwrite", (s) => {
      s.put(here.user, "user");
      return s.add(imported, "key");
    }).catch(() => undefined);
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

  // One sending at a time in this page or worker; a record kept meanwhile makes it go round again.
  let again = false;
  async function sendAll() {
    if (sending) {
      again = true;
      return sending;
    }
    sending = (async () => {
      let outcome;
      do {
        again = false;
        outcome = await sendEach();
      } while (again && outcome === "sent");
      return outcome;
    })().finally(() => {
      sending = null;
      notify();
    });
    return sending;
  }

  // Records past the keeping period go, sent or not, online or not.
  async function purge() {
    const now = Date.now();
    for (const store of ["queue", "sent"]) {
      for (const item of (await all(store)).filter((i) => i.expires_at <= now)) {
        await remove(store, item.id);
      }
    }
  }

  async function sendEach() {
    await purge();
    const left = (await all("queue")).filter((i) => !i.refused).sort((a, b) => a.written_at.localeCompare(b.written_at));
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
    if ((await get("meta", "user")) !== here.user) {
      await wipe(); // sealed for another user of this browser: never sent as this one
      return "wiped";
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
        if (answer.urgent && answer.created) {
          urgent.push(answer.id);
        }
      } else if (response.status === 401 && ENDED.includes(answer.code)) {
        await wipe();
        notify({ revoked: answer.detail });
        return "revoked";
      } else if (
        response.status === 401 ||
        response.status === 429 ||
        response.status >= 500 ||
        SESSION_REFUSALS.includes(answer.code) ||
        String(answer.detail || "").startsWith("CSRF")
      ) {
        return "refused"; // signed out, the second factor, the server busy: tried again later
      } else {
        // This record refused as written (400/422), or refused to this user (403): kept with the
        // server's words, not sent again; the user discards it and writes it anew.
        const messages = Object.values(answer.errors || {}).flat();
        item.error = messages.join(" ") || answer.detail || "";
        item.refused = true;
        await put("queue", item);
      }
    }
    return "sent";
  }

  async function discard(id) {
    await remove("queue", id);
    notify();
  }

  async function wipe() {
    await new Promise((resolve) => {
      const request = indexedDB.deleteDatabase(DB);
      request.onsuccess = request.onerror = () => resolve();
      // Blocked: a connection elsewhere still finishing a transaction; it closes then, and the
      // deletion goes on. Waited for, but never for ever (signing out waits on this).
      request.onblocked = () => setTimeout(resolve, 3000);
    });
    if (typeof caches !== "undefined") {
      await Promise.all((await caches.keys()).map((name) => caches.delete(name)));
    }
    notify();
  }

  function end() {
    ended = true;
    return wipe();
  }

  return { DB, SYNC_TAG, phone, key, add, all, sendAll, purge, discard, wipe, end, urgent };
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
      const clean = (words) => words.replace(/[<>&"]/g, "");
      for (const item of waiting) {
        rows.push(
          `<li class="queued${item.refused ? " refused" : ""}" data-queued="${clean(item.id)}">` +
            `${kindLabel(item.kind)}: ${text.written} ${hhmm(item.written_at)} — ` +
            (item.refused
              ? `<span class="error">${text.refused} ${clean(item.error || "")}</span> ` +
                `<button type="button" class="link-button" data-discard="${clean(item.id)}">${text.discard}</button>`
              : `${text.waiting} <span class="help">${text.wipedAt} ${hhmm(new Date(item.expires_at).toISOString())}</span>`) +
            `</li>`,
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
      worker(false).catch(() => undefined); // the queue and its key are gone already: the worker too
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

    // The worker is a kept phone's only: a session on a shared or passing browser leaves none.
    async function worker(kept) {
      if (!("serviceWorker" in navigator) || !text.sw) {
        return;
      }
      if (kept) {
        await navigator.serviceWorker.register(text.sw, { scope: "/" }).catch(() => undefined);
        navigator.serviceWorker.controller?.postMessage("keep-shell");
      } else {
        for (const registration of await navigator.serviceWorker.getRegistrations()) {
          await registration.unregister();
        }
        await Promise.all((await caches.keys()).map((name) => caches.delete(name)));
      }
    }

    let ready = false;
    async function start() {
      await TsunaguQueue.purge().catch(() => undefined); // past the keeping period, even offline
      if (navigator.onLine) {
        try {
          const here = await TsunaguQueue.phone();
          if (here && here.revoked) {
            showRevoked(here.detail);
          } else if (here) {
            ready = Boolean(here.phone && (await TsunaguQueue.key(here)));
            await worker(Boolean(here.phone));
          }
        } catch (failure) {
          // the network went between the two: what is kept is used below
        }
      }
      if (!ready && !navigator.onLine) {
        ready = Boolean(await TsunaguQueue.key(null).catch(() => null)); // the kept key, offline
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
        try {
          await TsunaguQueue.add(form.dataset.offlineKind, form.dataset.api, body);
        } catch (failure) {
          // Not kept (the key gone with another tab's wipe, the storage full): sent the ordinary
          // way instead, which says so itself when there is no network.
          form.dataset.queued = "";
          form.requestSubmit();
          return;
        }
        form.reset();
        const key = form.querySelector("input[name='key']");
        if (key) {
          key.value = crypto.randomUUID().replaceAll("-", "");
        }
        if (done) {
          done.hidden = false;
        }
        await showQueue();
        // Online, the page sends it now; what is left (no network after all, the session refused)
        // goes with the worker's Background Sync where the browser has it — only then, so that the
        // page and the worker do not race for the same record.
        const outcome = navigator.onLine ? await TsunaguQueue.sendAll() : "offline";
        // An urgent concern that just arrived: what to do now (the emergency numbers, then the
        // plaza's and the ward's), as the form's own sending shows it.
        const id = TsunaguQueue.urgent.pop();
        if (id && form.dataset.urgentUrl) {
          window.location.assign(form.dataset.urgentUrl.replace("00000000-0000-0000-0000-000000000000", id));
          return;
        }
        if (outcome !== "sent" && outcome !== "empty") {
          try {
            const registration = await navigator.serviceWorker?.getRegistration(); // "ready" waits for ever without one
            await registration?.sync?.register(TsunaguQueue.SYNC_TAG);
          } catch (failure) {
            // no Background Sync here: the next page load or the "online" event sends it
          }
        }
      },
      true, // before tsunagu.js's own handler of the safety check
    );

    // A refused record is discarded by the user (written anew if it still matters).
    document.addEventListener("click", async (event) => {
      const button = event.target.closest("[data-discard]");
      if (button) {
        await TsunaguQueue.discard(button.dataset.discard);
        await showQueue();
      }
    });

    // Signing out wipes the phone here too, before the server's Clear-Site-Data (which some
    // browsers do not honour).
    document.addEventListener("submit", async (event) => {
      const form = event.target;
      if (form instanceof HTMLFormElement && form.matches("[data-sign-out]") && !form.dataset.wiped) {
        event.preventDefault();
        await TsunaguQueue.end().catch(() => undefined);
        await worker(false).catch(() => undefined);
        form.dataset.wiped = "1";
        form.submit();
      }
    });

    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", start);
    } else {
      start();
    }
  })();
}
