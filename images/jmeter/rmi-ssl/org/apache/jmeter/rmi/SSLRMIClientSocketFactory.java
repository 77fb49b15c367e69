package org.apache.jmeter.rmi;

import java.io.IOException;
import java.io.Serializable;
import java.net.Socket;
import java.rmi.server.RMIClientSocketFactory;
import java.util.Arrays;
import java.util.List;

/**
 * ATQ's replacement for JMeter 5.6's class of the same name (same fields and serialVersionUID, so either
 * side of an RMI connection may run the stock one). It differs in two ways:
 * - equals/hashCode by value, as JMeter's plain RMIServerSocketFactoryImpl already has: RMI exports every
 *   object whose socket factories are equal on one port, so a worker reaches all of the master's listeners
 *   over one TLS connection instead of one full handshake per listener;
 * - one SSLContext per key material (RmiSslContexts) instead of a keystore load per connection.
 */
public class SSLRMIClientSocketFactory implements RMIClientSocketFactory, Serializable {
    private static final long serialVersionUID = 1L;

    private String alias;
    private String keyStoreLocation;
    private String keyStorePassword;
    private String keyStoreType;
    private String trustStoreLocation;
    private String trustStorePassword;
    private String trustStoreType;

    public void setAlias(String alias) {
        this.alias = alias;
    }

    public void setKeystore(String location, String type, String password) {
        this.keyStoreLocation = location;
        this.keyStoreType = type;
        this.keyStorePassword = password;
    }

    public void setTruststore(String location, String type, String password) {
        this.trustStoreLocation = location;
        this.trustStoreType = type;
        this.trustStorePassword = password;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return RmiSslContexts.get(alias,
                new String[] {keyStoreLocation, keyStoreType, keyStorePassword},
                new String[] {trustStoreLocation, trustStoreType, trustStorePassword})
                .getSocketFactory().createSocket(host, port);
    }

    private List<String> value() {
        return Arrays.asList(alias, keyStoreLocation, keyStoreType, keyStorePassword,
                trustStoreLocation, trustStoreType, trustStorePassword);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SSLRMIClientSocketFactory
                && value().equals(((SSLRMIClientSocketFactory) other).value());
    }

    @Override
    public int hashCode() {
        return value().hashCode();
    }

    @Override
    public String toString() {
        return "SSLRMIClientSocketFactory(keyStoreLocation=" + keyStoreLocation + ", type=" + keyStoreType
                + ", trustStoreLocation=" + trustStoreLocation + ", type=" + trustStoreType
                + ", alias=" + alias + ')';
    }
}
