namespace Fleet.Engine.Nix;

/// <summary>`--override-input NAME REF`: the flake's input NAME (a/b for a nested one) taken from REF instead.</summary>
public sealed record FlakeInputOverride(string Name, string Reference);
