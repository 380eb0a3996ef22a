"use strict";
foedus.embed(document.getElementById("members-chart"), foedus.readJson("members-spec"))
  .then(() => { document.body.dataset.ready = "yes"; });
