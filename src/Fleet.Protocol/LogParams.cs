namespace Fleet.Protocol;

/// <summary>`log` notification from a provider: a level ("debug", "info", "warn", "error"), the resource if any, and text.</summary>
public sealed record LogParams(string Level, string? Resource, string Text);
