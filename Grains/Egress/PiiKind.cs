namespace Platform.Grains.Egress;

/// <summary>A kind of personal data <see cref="PiiScanner"/> recognises in outgoing text.</summary>
public enum PiiKind
{
    /// <summary>An email address.</summary>
    Email,

    /// <summary>A telephone number, international (<c>+</c>) or in a common national format.</summary>
    Phone,

    /// <summary>A payment card number (13 to 19 digits with a valid Luhn check digit).</summary>
    CardNumber,
}
