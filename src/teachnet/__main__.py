from teachnet.cli import main

main()
