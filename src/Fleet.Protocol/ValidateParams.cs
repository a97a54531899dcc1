using System.Text.Json;

namespace Fleet.Protocol;

/// <summary>`validate` request: are these inputs acceptable for the type (before any plan)?</summary>
public sealed record ValidateParams(string Id, string Type, JsonElement Inputs);
