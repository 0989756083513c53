/* nic: the header's menu button on phones. ES module, no dependencies.

   A disclosure (WAI-ARIA APG "disclosure navigation"): one button with
   aria-expanded that shows and hides the site's navigation, so on a phone
   the header is one row. It is a real <button>, so Enter and Space work;
   Escape closes the menu and returns focus to the button, as does a tap
   outside it. Without JavaScript the button stays hidden and every link
   shows in rows that wrap (templates/base.html). */

const button = document.querySelector("[data-site-menu]");

if (button) {
  const header = button.closest(".site-header");
  const nav = document.getElementById(button.getAttribute("aria-controls"));
  const phone = window.matchMedia("(max-width: 40rem)");
  const isOpen = () => button.getAttribute("aria-expanded") === "true";

  const setOpen = (open) => {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    header.classList.toggle("site-header--open", open);
  };

  header.classList.add("site-header--menu");
  button.hidden = false;
  button.addEventListener("click", () => setOpen(!isOpen()));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && isOpen() && phone.matches) {
      setOpen(false);
      button.focus();
    }
  });
  document.addEventListener("click", (event) => {
    if (isOpen() && !button.contains(event.target) && !nav.contains(event.target)) setOpen(false);
  });
  phone.addEventListener("change", () => setOpen(false));
}
