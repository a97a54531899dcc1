namespace Fleet.Protocol;

/// <summary>`$/cancel` notification from the engine: stop working on request <see cref="Id"/>.</summary>
public sealed record CancelParams(long Id);
