/* nic: the directory's filters (issue 17). An ES module, loaded only by
   templates/directory/index.html; without it the filters stay open and the
   school list is narrowed by the server when the form is sent.
   - On a phone the "Filters" disclosure starts closed (its summary counts the
     active filters); on a wider screen it stays open and its summary is hidden.
   - Picking a district narrows the school list to that district's schools at
     once; a school from another district is unselected. */

const PHONE = window.matchMedia("(max-width: 47.9375rem)");

const disclosure = document.querySelector("details[data-filters]");
if (disclosure) {
  const fit = () => { disclosure.open = !PHONE.matches; };
  fit();
  PHONE.addEventListener("change", fit);
}

document.querySelectorAll("select[data-narrowed-by]").forEach((select) => {
  const by = document.getElementById(select.dataset.narrowedBy);
  const all = select.parentElement.querySelector("template[data-all-options]");
  if (!by || !all) return;
  const any = select.options[0];
  by.addEventListener("change", () => {
    const chosen = select.value;
    const options = Array.from(all.content.querySelectorAll("option")).filter(
      (option) => !by.value || option.dataset.district === by.value
    );
    select.replaceChildren(any, ...options.map((option) => option.cloneNode(true)));
    select.value = options.some((option) => option.value === chosen) ? chosen : "";
  });
});
