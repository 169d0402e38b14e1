namespace Platform.Silo;

/// <summary>
/// Lets a grain's requests interleave at <c>await</c> points. Code of one activation still never runs on two threads at
/// once; only the guarantee that a request finishes before the next starts is given up. Opt in only with care.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ReentrantAttribute : Attribute;
