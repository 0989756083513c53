/* nic: pre-fill a time-zone select with this browser's own zone. ES module.

   For select[data-detect-time-zone] (the sign-up form). The browser names its
   zone as an IANA id (Intl.DateTimeFormat().resolvedOptions().timeZone), the
   same ids the options carry, so the match is exact. Left alone when the page
   came back with the person's own choice (a form re-shown with errors) or
   when the zone is not in the list; without JavaScript the server's default
   (Eastern Time) stays selected. */

const select = document.querySelector("select[data-detect-time-zone]");
const form = select ? select.form : null;
const reshown = form ? form.querySelector(".field--invalid, .form-errors") !== null : false;

if (select && !reshown) {
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (_) {
    zone = "";
  }
  const option = Array.from(select.options).find((o) => o.value === zone);
  if (option) select.value = zone;
}
