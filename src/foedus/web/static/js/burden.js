"use strict";
(async () => {
  const specs = foedus.readJson("burden-specs");
  if (specs) {
    await foedus.embed(document.getElementById("spending-chart"), specs.spending);
    await foedus.embed(document.getElementById("test-chart"), specs.test);
  }
  document.body.dataset.ready = "yes";
})();
