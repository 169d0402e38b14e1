namespace Platform.Gateway.Apis;

/// <summary>The body of setting or rotating a secret: its value, which is never sent back.</summary>
/// <param name="Value">The value; at least 8 bytes.</param>
internal sealed record SecretValueRequest(string? Value)
{
    /// <summary>The value, or a 400 naming the missing field. Not part of the body (nor of the OpenAPI document).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string RequiredValue => Value ?? throw new ArgumentException("value is required.", nameof(Value));

    // A generated ToString would print the value into any log that formats the request.
    public override string ToString() => "SecretValueRequest { Value = *** }";
}
