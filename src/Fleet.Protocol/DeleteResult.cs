namespace Fleet.Protocol;

/// <summary>`delete` answer: an empty object.</summary>
public sealed record DeleteResult;
