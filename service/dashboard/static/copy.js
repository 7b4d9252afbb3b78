// Copy buttons: <button data-copy="element-id"> copies that element's text.
(function () {
  "use strict";
  function copied(status, text) { if (status) { status.textContent = text; } }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy]");
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById("copy-status");
    if (!source) { return; }
    var text = source.textContent.trim();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () {
        copied(status, button.textContent.replace("Copy ", "") + " copied.");
      }, function () { copied(status, "Select the text and copy it by hand."); });
    } else {
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      copied(status, "Selected: press Ctrl+C (or Cmd+C) to copy.");
    }
  });
}());
