namespace Fleet.Protocol;

/// <summary>
/// `progress` notification from a provider: the resource, a stage name and an optional fraction
/// 0..1; optionally what is being worked on (<paramref name="Activity"/>: the derivations being
/// built, the path being copied) and how far it got in units of <paramref name="Unit"/>
/// (<paramref name="Done"/> of <paramref name="Expected"/>, e.g. bytes copied of the closure's size).
/// </summary>
public sealed record ProgressParams(
    string Resource,
    string Stage,
    double? Fraction = null,
    string? Activity = null,
    long? Done = null,
    long? Expected = null,
    string? Unit = null);
