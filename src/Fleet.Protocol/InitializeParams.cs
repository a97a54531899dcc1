namespace Fleet.Protocol;

/// <summary>`initialize` request: the engine introduces itself; sent once, first.</summary>
public sealed record InitializeParams(string EngineVersion, int ProtocolVersion);
