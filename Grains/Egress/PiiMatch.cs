namespace Platform.Grains.Egress;

/// <summary>Where personal data of <paramref name="Kind"/> was found: <paramref name="Length"/> characters from <paramref name="Index"/>.</summary>
public readonly record struct PiiMatch(PiiKind Kind, int Index, int Length);
