namespace Platform.Silo;

/// <summary>
/// Marks a grain interface method whose requests may start while another request of the same activation waits at an
/// <c>await</c> (a status read, a cancel). The activation's code still runs one piece at a time.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class AlwaysInterleaveAttribute : Attribute;
