// placeholder until Extended JSON lands
