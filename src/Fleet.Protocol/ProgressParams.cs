namespace Fleet.Protocol;

/// <summary>`progress` notification from a provider: the resource, a stage name and an optional fraction 0..1.</summary>
public sealed record ProgressParams(string Resource, string Stage, double? Fraction = null);
