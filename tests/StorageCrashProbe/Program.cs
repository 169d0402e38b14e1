Console.WriteLine("probe: not yet");
