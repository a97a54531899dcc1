namespace Fleet.Nodes;

/// <summary>A store path of a closure and its NAR size in bytes (`nix-store --query --size`).</summary>
public sealed record StorePathSize(string Path, long NarSize);
