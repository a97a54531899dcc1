# Stand-in for a small part of nixpkgs lib.meta.
{ lib }:
rec {
  addMetaAttrs = newAttrs: drv: drv // { meta = (drv.meta or { }) // newAttrs; };
  setPrio = priority: addMetaAttrs { inherit priority; };
  lowPrio = setPrio 10;
  hiPrio = setPrio (-10);
  getExe = x: getExe' x (x.meta.mainProgram or (lib.strings.getName x));
  getExe' = x: y: "${lib.attrsets.getBin x}/bin/${y}";
}
