namespace Platform.Security.Tests.Contracts;

/// <summary>A shape the immutability rule must refuse: a settable property.</summary>
public sealed class MutableShape
{
    public string Name { get; set; } = "";
}
