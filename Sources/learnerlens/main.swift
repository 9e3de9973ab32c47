print("learnerlens")
