using System.Text.Json;

namespace Fleet.Protocol;

/// <summary>`create` and `update` answer: the resource's outputs, which other resources may reference.</summary>
public sealed record ApplyResult(JsonElement Outputs);
