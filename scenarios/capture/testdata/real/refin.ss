# before the client's close
client ESTAB 0      0      10.13.0.1:40013 10.13.0.2:8080
server CLOSE-WAIT 0      0      10.13.0.2:8080 10.13.0.1:40013
# 0.07 s after the client's close
client FIN-WAIT-1 0      1      10.13.0.1:40013 10.13.0.2:8080
server CLOSE-WAIT 0      0      10.13.0.2:8080 10.13.0.1:40013
# 0.6 s after the client's close
client TIME-WAIT 0      0      10.13.0.1:40013 10.13.0.2:8080
# at the end
client TIME-WAIT 0      0      10.13.0.1:40013 10.13.0.2:8080
