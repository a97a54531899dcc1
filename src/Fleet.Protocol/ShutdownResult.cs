namespace Fleet.Protocol;

/// <summary>`shutdown` answer: an empty object, after which the provider exits.</summary>
public sealed record ShutdownResult;
