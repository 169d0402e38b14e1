global using Platform.Silo;
