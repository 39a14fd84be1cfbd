// Status reports: the printable page's "Print" button (no inline handlers under the CSP).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-tp-print]");
  if (button) {
    window.print();
  }
});
