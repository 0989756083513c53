/* nic: the header's unread-notifications count, kept true live. ES module.

   Every signed-in page connects to the /live Socket.IO namespace (the live
   session page shares the same connection). The server puts each socket in
   its owner's personal room and sends {"unread": n} there whenever that
   person's count changes, and once on every (re)connect, so a page that was
   offline shows the true count again. Screen readers hear the number in the
   link's name ("Notifications 3 unread"); it is not announced as it
   changes (a live region on every page would interrupt reading).
   Without JavaScript the count is the one the page was served with. */

const link = document.querySelector("[data-notifications]");

function show(unread) {
  if (!link || typeof unread !== "number" || unread < 0) return;
  const count = link.querySelector("[data-unread]");
  link.querySelector("[data-unread-number]").textContent = String(unread);
  count.hidden = unread === 0;
  link.dataset.count = String(unread);
  const title = document.title.replace(/^\(\d+\) /, "");
  document.title = unread ? `(${unread}) ${title}` : title;
}

if (link && window.io) {
  const socket = window.io("/live", { transports: ["websocket", "polling"] });
  socket.on("notifications", (data) => show(data && data.unread));
}
