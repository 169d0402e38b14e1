namespace Platform.Grains.Interfaces.Workspaces;

/// <summary>
/// A workspace's rules for personal data in everything that leaves it (model requests, sends, posts, HTTP calls).
/// Secret values are not configurable: they are always blocked.
/// </summary>
/// <param name="Email">Email addresses.</param>
/// <param name="Phone">Phone numbers.</param>
/// <param name="CardNumber">Payment card numbers (13 to 19 digits passing the Luhn check).</param>
[GenerateSerializer, Immutable, Alias("platform.EgressPolicy")]
public sealed record EgressPolicy(EgressAction Email, EgressAction Phone, EgressAction CardNumber)
{
    /// <summary>Card numbers blocked; addresses and phone numbers, which ordinary mail and posts carry, allowed.</summary>
    public static EgressPolicy Default { get; } = new(EgressAction.Allow, EgressAction.Allow, EgressAction.Block);
}
